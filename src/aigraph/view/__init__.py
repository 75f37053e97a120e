"""The interactive view: the graph as NetworkX, its layout, the offline HTML page."""
