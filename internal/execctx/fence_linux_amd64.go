package execctx

const sysMembarrier = 324
