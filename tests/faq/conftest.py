"""The FAQ tests build their services themselves (a profile each, or several at once);
what they share with the other packages (the hypothesis profile) is in tests/conftest.py."""
