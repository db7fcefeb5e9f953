"""The shared screen: what the present view shows, chosen or following the action."""
