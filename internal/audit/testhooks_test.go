package audit

// SealLockKey exposes the sealer's advisory lock key to the external tests.
var SealLockKey = sealLockKey
