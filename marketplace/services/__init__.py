"""The service network: providers, service catalogue and orders, shared instruments (issue 17)."""
