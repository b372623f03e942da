package lab

// syscall's amd64 table predates setns(2) (Linux 3.0), unlike the tables of
// newer ports, so the number is spelled out here.
const sysSetns = 308
