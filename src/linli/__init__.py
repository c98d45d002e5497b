"""Linli 邻里: neighbourhood self-governance."""
