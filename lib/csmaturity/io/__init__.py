"""Files in and out: YAML documents, account and survey tables and their column
checks, atomic writes and safe names, and the resources shipped with the kit.

Imports nothing of the kit but :mod:`csmaturity.errors`.
"""
