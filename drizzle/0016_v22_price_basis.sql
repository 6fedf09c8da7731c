-- v22 (issue "Trust"), the price rule nobody can game (src/domain/market-prices.ts): the last trade never prices a
-- snapshot any more, and the ask is a price of its own, not an upper bound. market_odds.price_basis becomes
-- 'mid' | 'ask' (NULL: too thin to price). Its v17 CHECK cannot be altered in place and a rebuild of market_odds is
-- not wanted (every snapshot ever taken), so the column is swapped: renamed, a new one added with the new CHECK, the
-- old values carried over, the old column dropped (DROP COLUMN rewrites the rows in place: no cascade, no trigger lost;
-- price_basis is in no index, view or trigger).
-- Carried over: 'mid' stays 'mid' (a narrow two-sided book), 'ask_upper_bound' becomes 'ask'; 'last' (the last trade)
-- becomes NULL: such a snapshot no longer prices a pick (its implied_probability is kept as history).
ALTER TABLE `market_odds` RENAME COLUMN `price_basis` TO `price_basis_v17`;--> statement-breakpoint
ALTER TABLE `market_odds` ADD `price_basis` text CHECK (`price_basis` IS NULL OR `price_basis` IN ('mid', 'ask'));--> statement-breakpoint
UPDATE `market_odds` SET `price_basis` = CASE `price_basis_v17` WHEN 'mid' THEN 'mid' WHEN 'ask_upper_bound' THEN 'ask' END
  WHERE `price_basis_v17` IS NOT NULL;--> statement-breakpoint
ALTER TABLE `market_odds` DROP COLUMN `price_basis_v17`;
