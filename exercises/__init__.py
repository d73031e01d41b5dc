"""Your exercise files: fill in the TODOs; `backprop check` grades them."""
