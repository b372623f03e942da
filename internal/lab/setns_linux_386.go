package lab

// syscall's 386 table predates setns(2) (Linux 3.0).
const sysSetns = 346
