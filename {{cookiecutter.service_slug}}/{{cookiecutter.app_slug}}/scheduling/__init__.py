"""Scheduling-only helpers of the app: permissions and exports."""
