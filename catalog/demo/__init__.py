"""Demo catalog: a small, typed sample of Hanoi OCOP producers and products.

``catalog.demo.data`` holds the categories, producers and products as frozen dataclasses;
``catalog.demo.images`` draws a deterministic placeholder picture for each product.
"""
