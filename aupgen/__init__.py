"""aupgen: write an organisation's Acceptable Use Policy for adults who work with children."""

__version__ = "0.1.0"
