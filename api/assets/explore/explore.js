// the explorer
