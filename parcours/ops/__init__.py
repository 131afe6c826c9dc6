"""Operations: backup and restore (database and files), recovery of tasks interrupted by a dead worker."""
