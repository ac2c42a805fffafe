from oxship.cli import main

main()
