// The checkout page: mount Stripe's Payment Element and confirm; card data goes to Stripe only.
(function () {
  var form = document.getElementById("payment-form");
  if (!form || typeof Stripe === "undefined") { return; }
  var stripe = Stripe(form.dataset.publishableKey);
  var elements = stripe.elements({ clientSecret: form.dataset.clientSecret });
  elements.create("payment").mount("#payment-element");
  var button = document.getElementById("submit-payment");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;  // one click, one confirmation
    stripe.confirmPayment({ elements: elements, confirmParams: { return_url: form.dataset.returnUrl } })
      .then(function (result) {
        if (result.error) {
          document.getElementById("payment-message").textContent = result.error.message;
          button.disabled = false;
        }
      });
  });
})();
