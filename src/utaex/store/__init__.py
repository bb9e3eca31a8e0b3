"""utaex package."""
