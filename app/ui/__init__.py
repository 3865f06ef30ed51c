"""Pages and components: layout only, no business rules, every text from the catalog."""
