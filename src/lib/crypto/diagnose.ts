// Where lesson 6's pages import the diagnoser from, until they import $lib/lessons/diagnose
// (its words) and $lib/crypto/diagnose/* (its measurements) directly. Nothing is defined here.
export * from '../lessons/diagnose';
