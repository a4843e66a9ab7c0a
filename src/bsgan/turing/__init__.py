"""The blinded real-vs-generated test for people (the paper's expert test)."""
