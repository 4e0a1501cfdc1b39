// Test fixture: a service process that stays alive but never says `ready`.
setInterval(() => {}, 1000)
