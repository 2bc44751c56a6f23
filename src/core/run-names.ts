/**
 * Random run names in MLflow's format (spec §10): `<adjective>-<noun>-<0..1000>`, at most 20
 * characters. The word lists are edgeflow's own.
 * @module
 */

const ADJECTIVES = [
  'agile', 'amber', 'ample', 'brave', 'bright', 'brisk', 'calm', 'candid', 'clever', 'cosmic',
  'crisp', 'curious', 'daring', 'deft', 'eager', 'earnest', 'elegant', 'fearless', 'fleet', 'fluent',
  'gentle', 'gleaming', 'glowing', 'grand', 'hardy', 'honest', 'humble', 'jolly', 'keen', 'kind',
  'lively', 'loyal', 'lucid', 'lucky', 'mellow', 'merry', 'mighty', 'nimble', 'noble', 'patient',
  'placid', 'plucky', 'polished', 'proud', 'quick', 'quiet', 'radiant', 'rapid', 'robust', 'rustic',
  'serene', 'sharp', 'shiny', 'silent', 'sleek', 'smooth', 'sober', 'spry', 'stable', 'steady',
  'sturdy', 'sunny', 'swift', 'tidy', 'tranquil', 'upbeat', 'valiant', 'vivid', 'warm', 'witty',
  'zealous', 'zesty',
] as const;

const NOUNS = [
  'ant', 'badger', 'bat', 'bear', 'beaver', 'bee', 'bison', 'boar', 'carp', 'cat', 'cod', 'crab',
  'crane', 'crow', 'deer', 'dingo', 'dove', 'duck', 'eagle', 'eel', 'elk', 'falcon', 'ferret', 'finch',
  'fox', 'frog', 'gecko', 'goat', 'goose', 'hare', 'hawk', 'heron', 'horse', 'ibis', 'jay', 'koala',
  'lark', 'lemur', 'lion', 'llama', 'lynx', 'mole', 'moose', 'moth', 'newt', 'otter', 'owl', 'panda',
  'parrot', 'pike', 'puffin', 'quail', 'rabbit', 'raven', 'robin', 'seal', 'shark', 'sloth', 'snail',
  'squid', 'stork', 'swan', 'tapir', 'tiger', 'toad', 'trout', 'turtle', 'viper', 'whale', 'wolf',
  'wren', 'yak', 'zebra',
] as const;

const MAX_LENGTH = 20;

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}

/** A random run name such as `brave-otter-417`. */
export function randomRunName(): string {
  let name = '';
  for (let attempt = 0; attempt < 10; attempt++) {
    name = `${pick(ADJECTIVES)}-${pick(NOUNS)}-${Math.floor(Math.random() * 1001)}`;
    if (name.length <= MAX_LENGTH) return name;
  }
  return name.slice(0, MAX_LENGTH);
}
