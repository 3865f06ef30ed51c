"""Grid butler: the property-service team's phone app."""
