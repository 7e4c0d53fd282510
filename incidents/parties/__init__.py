"""Controllers (the processor's customers) and their contracts."""
