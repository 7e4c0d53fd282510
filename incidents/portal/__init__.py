"""The controller portal: a controller organisation's own view of the incidents that touch it."""
