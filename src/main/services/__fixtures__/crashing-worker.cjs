// Test fixture: a service process that dies at once with exit code 3, before saying `ready`.
process.exit(3)
