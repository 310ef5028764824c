"""Policy text → syntax tree. The only package that imports lark."""
