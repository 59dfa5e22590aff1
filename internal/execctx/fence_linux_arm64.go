package execctx

const sysMembarrier = 283
