"""Rendering: a Policy through the Jinja templates into Word documents."""
