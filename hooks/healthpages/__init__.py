"""Shared code of the health library: the page model, the editor checks and the data the hooks give the templates."""
