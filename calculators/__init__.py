"""Pure domain math for offer negotiation: no Excel, no I/O beyond parameter files."""
