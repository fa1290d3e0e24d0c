"""The framework-free core: catalog, domain model, rules and findings (standard library only)."""
