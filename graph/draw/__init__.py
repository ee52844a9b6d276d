"""Drawing: the networkx projection and its analysis, pyvis network pages, the timeline."""
