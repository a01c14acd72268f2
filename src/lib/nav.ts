// The parts of CBC Lab a user can open. A page is listed here only once it exists.
export interface NavItem {
  href: string;
  label: string;
  blurb: string;
}

export const NAV: NavItem[] = [
  {
    href: '/learn',
    label: 'Learn',
    blurb: 'Type a message and step through AES-CBC byte by byte: padding, the XOR chain, AES, base64.'
  },
  {
    href: '/live',
    label: 'Live',
    blurb:
      'Watch chat frames cross a real TCP wire, decrypt them here with the key, and open any one in the step-through.'
  },
  {
    href: '/lessons',
    label: 'Lessons',
    blurb: 'Break CBC with your own hands: flip bits, forge a message, run a padding oracle, and see why MACs matter.'
  }
];
