"""Web blueprints, one package per area of the product."""
