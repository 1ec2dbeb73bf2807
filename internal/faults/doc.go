// Package faults holds the fault and load suite: Clearpost run as a fleet of processes (two serve,
// two worker) behind a load balancer, driven with steady traffic while Redis, PostgreSQL and the
// processes fail, then checked for lost and doubled work. It is all in the package's test.
package faults
