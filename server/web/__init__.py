"""HTTP: pages, the JSON API and error replies."""
