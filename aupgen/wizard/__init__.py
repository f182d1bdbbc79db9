"""The terminal wizard (questionary). Only `aupgen new` and asking new questions in `update` import it."""
