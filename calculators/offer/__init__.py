"""An offer: its fields and cash model, the table it is read from, its equity."""
