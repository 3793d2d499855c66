"""Command line and benchmarks of the timetabling core (apart from the solver itself)."""
