"""What offers are worth: comparison on each basis, and take-home pay."""
