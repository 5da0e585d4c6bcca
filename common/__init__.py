"""What every layer shares: the errors raised on purpose and the offline defaults.

This package imports no other package of the project.
"""
