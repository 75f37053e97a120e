"""Where the graph lives: datasets loaded into Oxigraph, the store cache, remote triple stores."""
