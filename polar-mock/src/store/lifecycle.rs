//! A subscription's life after its checkout: cancel at the period's end,
//! uncancel, revoke, renew; and refunds, which may revoke the benefits.

use serde_json::{json, Value};

use super::billing::{advance, not_found, pending};
use super::{now, position, set, str_of, ApiError, StateError, Store};

impl Store {
    /// Revoke the granted grants of a subscription (or an order, for a
    /// one-time purchase), emitting `benefit_grant.revoked`; also revokes
    /// their license keys.
    fn revoke_grants(&mut self, owner_key: &str, owner_id: &str) {
        let now = now();
        let mut revoked = Vec::new();
        for grant in &mut self.grants {
            if str_of(grant, owner_key) == owner_id && grant["is_granted"] == json!(true) {
                set(grant, "is_granted", json!(false));
                set(grant, "is_revoked", json!(true));
                set(grant, "revoked_at", json!(now));
                set(grant, "modified_at", json!(now));
                revoked.push(grant.clone());
            }
        }
        for grant in revoked {
            if let Some(key_id) = grant["properties"]["license_key_id"].as_str() {
                if let Some(i) = position(&self.license_keys, key_id) {
                    set(&mut self.license_keys[i], "status", json!("revoked"));
                }
            }
            self.emit("benefit_grant.revoked", grant);
        }
    }

    fn subscription_index(&self, id: &str) -> Result<usize, StateError> {
        position(&self.subscriptions, id).ok_or_else(|| not_found("subscription", id))
    }

    fn touch_subscription(&mut self, index: usize, changes: &[(&str, Value)]) -> Value {
        let subscription = &mut self.subscriptions[index];
        for (key, value) in changes {
            set(subscription, key, value.clone());
        }
        set(subscription, "modified_at", json!(now()));
        subscription.clone()
    }

    /// Cancel at the end of the period.
    pub(crate) fn cancel_subscription(
        &mut self,
        id: &str,
        reason: Option<&Value>,
    ) -> Result<Value, StateError> {
        let index = self.subscription_index(id)?;
        let subscription = self.subscriptions[index].clone();
        if !matches!(str_of(&subscription, "status"), "active" | "trialing") {
            return Err(StateError::Conflict(format!(
                "subscription {id} is not active"
            )));
        }
        if subscription["cancel_at_period_end"] == json!(true) {
            return Err(StateError::Conflict(format!(
                "subscription {id} is already canceled"
            )));
        }
        let end = subscription["current_period_end"].clone();
        let subscription = self.touch_subscription(
            index,
            &[
                ("cancel_at_period_end", json!(true)),
                ("canceled_at", json!(now())),
                ("ends_at", end),
                (
                    "customer_cancellation_reason",
                    reason.cloned().unwrap_or(Value::Null),
                ),
            ],
        );
        self.emit("subscription.updated", subscription.clone());
        self.emit("subscription.canceled", subscription.clone());
        self.emit_state(str_of(&subscription, "customer_id"));
        Ok(subscription)
    }

    /// Undo a cancellation at the end of the period.
    pub(crate) fn uncancel_subscription(&mut self, id: &str) -> Result<Value, StateError> {
        let index = self.subscription_index(id)?;
        if self.subscriptions[index]["cancel_at_period_end"] != json!(true)
            || str_of(&self.subscriptions[index], "status") == "canceled"
        {
            return Err(StateError::Conflict(format!(
                "subscription {id} is not canceled at the period's end"
            )));
        }
        let subscription = self.touch_subscription(
            index,
            &[
                ("cancel_at_period_end", json!(false)),
                ("canceled_at", Value::Null),
                ("ends_at", Value::Null),
                ("customer_cancellation_reason", Value::Null),
            ],
        );
        self.emit("subscription.updated", subscription.clone());
        self.emit("subscription.uncanceled", subscription.clone());
        self.emit_state(str_of(&subscription, "customer_id"));
        Ok(subscription)
    }

    /// End now: the benefits are revoked.
    pub(crate) fn revoke_subscription(&mut self, id: &str) -> Result<Value, StateError> {
        let index = self.subscription_index(id)?;
        if str_of(&self.subscriptions[index], "status") == "canceled" {
            return Err(StateError::Conflict(format!(
                "subscription {id} is already revoked"
            )));
        }
        let was_canceled = self.subscriptions[index]["cancel_at_period_end"] == json!(true);
        let now = now();
        let canceled_at = if was_canceled {
            self.subscriptions[index]["canceled_at"].clone()
        } else {
            json!(now)
        };
        let subscription = self.touch_subscription(
            index,
            &[
                ("status", json!("canceled")),
                ("cancel_at_period_end", json!(false)),
                ("canceled_at", canceled_at),
                ("ends_at", json!(now)),
                ("ended_at", json!(now)),
            ],
        );
        self.emit("subscription.updated", subscription.clone());
        if !was_canceled {
            self.emit("subscription.canceled", subscription.clone());
        }
        self.emit("subscription.revoked", subscription.clone());
        self.revoke_grants("subscription_id", id);
        self.emit_state(str_of(&subscription, "customer_id"));
        Ok(subscription)
    }

    /// The end of the current period: a subscription canceled at the
    /// period's end ends (as a revocation); another one starts a new period
    /// with a new paid order.
    pub(crate) fn renew_subscription(&mut self, id: &str) -> Result<Value, StateError> {
        let index = self.subscription_index(id)?;
        let subscription = self.subscriptions[index].clone();
        if str_of(&subscription, "status") == "canceled" {
            return Err(StateError::Conflict(format!("subscription {id} has ended")));
        }
        if subscription["cancel_at_period_end"] == json!(true) {
            return self.revoke_subscription(id);
        }
        let start = str_of(&subscription, "current_period_end").to_owned();
        let interval = str_of(&subscription, "recurring_interval").to_owned();
        let count = subscription["recurring_interval_count"]
            .as_u64()
            .unwrap_or(1);
        let end = advance(&start, &interval, count);
        let subscription = self.touch_subscription(
            index,
            &[
                ("current_period_start", json!(start)),
                ("current_period_end", json!(end)),
                ("current_meter_period_start", json!(start)),
                ("current_meter_period_end", json!(end)),
            ],
        );
        // The customer stays (deleting one only marks it deleted).
        let customer = position(&self.customers, str_of(&subscription, "customer_id")).map_or_else(
            || subscription["customer"].clone(),
            |i| self.customers[i].clone(),
        );
        let checkout = json!({
            "id": subscription["checkout_id"], "amount": subscription["amount"], "currency": subscription["currency"],
            "product": subscription["product"], "product_id": subscription["product_id"],
            "product_price_id": subscription["prices"][0]["id"], "metadata": subscription["metadata"],
        });
        // The period rolls over before the renewal order exists.
        self.emit("subscription.updated", subscription.clone());
        self.emit("subscription.cycled", subscription.clone());
        let order = self.new_order(
            &checkout,
            &customer,
            Some(&subscription),
            "subscription_cycle",
        );
        self.emit("order.created", pending(&order));
        self.emit("order.updated", order.clone());
        self.emit("order.paid", order);
        for grant in self.grants.clone() {
            if str_of(&grant, "subscription_id") == id && grant["is_granted"] == json!(true) {
                self.emit("benefit_grant.cycled", grant);
            }
        }
        self.emit_state(str_of(&subscription, "customer_id"));
        Ok(subscription)
    }

    /// A refund of `amount` (all that is left when `None`) of an order.
    pub(crate) fn refund_order(
        &mut self,
        order_id: &str,
        amount: Option<i64>,
        reason: &str,
        revoke_benefits: bool,
    ) -> Result<Value, ApiError> {
        let index = position(&self.orders, order_id).ok_or_else(|| ApiError::not_found("Order"))?;
        let order = self.orders[index].clone();
        let refundable = order["refundable_amount"].as_i64().unwrap_or(0);
        let amount = amount.unwrap_or(refundable);
        if amount <= 0 || amount > refundable {
            return Err(ApiError::new(
                400,
                "RefundAmountTooHigh",
                format!("The refund amount {amount} is more than the refundable {refundable}."),
            ));
        }
        let mut refund = self.fresh("Refund");
        for (key, value) in [
            ("status", json!("succeeded")),
            ("reason", json!(reason)),
            ("amount", json!(amount)),
            ("tax_amount", json!(0)),
            ("currency", order["currency"].clone()),
            ("order_id", order["id"].clone()),
            ("subscription_id", order["subscription_id"].clone()),
            ("customer_id", order["customer_id"].clone()),
            ("revoke_benefits", json!(revoke_benefits)),
            ("dispute", Value::Null),
            ("metadata", json!({})),
        ] {
            set(&mut refund, key, value);
        }
        self.refunds.push(refund.clone());
        let refunded = order["refunded_amount"].as_i64().unwrap_or(0) + amount;
        let status = if amount == refundable {
            "refunded"
        } else {
            "partially_refunded"
        };
        let order = {
            let order = &mut self.orders[index];
            set(order, "refunded_amount", json!(refunded));
            set(order, "refundable_amount", json!(refundable - amount));
            set(order, "status", json!(status));
            set(order, "modified_at", json!(now()));
            order.clone()
        };
        self.emit("refund.created", refund.clone());
        self.emit("order.updated", order.clone());
        self.emit("order.refunded", order.clone());
        if revoke_benefits {
            match order["subscription_id"].as_str() {
                Some(subscription) => {
                    let subscription = subscription.to_owned();
                    // Revoking the benefits of a subscription's order ends it.
                    let _ = self.revoke_subscription(&subscription);
                }
                None => {
                    self.revoke_grants("order_id", order_id);
                    self.emit_state(str_of(&order, "customer_id"));
                }
            }
        }
        Ok(refund)
    }
}
