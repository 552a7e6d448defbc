from compose_lint.cli import main

main()
