"""The project folder xlwings-server loads (``XLWINGS_PROJECT_DIR``): see :mod:`addin.server`."""
