"""Helpers shared by the tests: plain modules, imported as ``tests.support.<module>``.

Test modules and conftest.py files import from here and never from one another; fixtures stay
in the conftest.py files. See tests/README.md for what each module holds.
"""
