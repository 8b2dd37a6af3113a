"""What the add-in writes for people: the brief's text and the recruiter's copy."""
