"""Authentication providers of the served add-in (looked up by xlwings-server as ``auth.<name>``)."""
