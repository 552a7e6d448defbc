"""The rules, one module each, in a folder per concern (named by the code table)."""
