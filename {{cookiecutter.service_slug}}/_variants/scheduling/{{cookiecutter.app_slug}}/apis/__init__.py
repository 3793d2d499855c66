"""The REST API of the application, one module per sub-domain: thin views over services
(writes) and selectors (reads), with their input and output serializers."""
