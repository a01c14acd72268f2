// The causes the diagnoser tests, in the order it ranks ties, and how well each fits.

export type Cause =
  | 'ok'
  | 'length'
  | 'key-encoding'
  | 'iv-encoding'
  | 'ciphertext-encoding'
  | 'iv-not-stripped'
  | 'wrong-iv'
  | 'bad-padding'
  | 'wrong-key';

export const CAUSES: Cause[] = [
  'ok',
  'wrong-key',
  'wrong-iv',
  'key-encoding',
  'iv-encoding',
  'ciphertext-encoding',
  'iv-not-stripped',
  'length',
  'bad-padding'
];

export type Fit = 'fits' | 'possible' | 'ruled-out';
