from .cli import main

main(prog_name="paper2bib")
